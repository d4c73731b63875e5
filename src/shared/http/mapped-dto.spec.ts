import { ApiProperty, ApiPropertyOptional, DECORATORS, PartialType } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, validate } from 'class-validator';
import { IsOmittable } from './field-decorators';
import { ApiPropertyAnew, ApiPropertyOptionalAnew, OMITTABLE } from './mapped-dto';

class CreateThingDto {
  @ApiProperty({ minLength: 1, maxLength: 20, example: 'Lamp' })
  @IsString()
  @Length(1, 20)
  name!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Bright' })
  @IsOptional()
  @IsString()
  note?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}

class UpdateThingDto extends PartialType(CreateThingDto, OMITTABLE) {
  @ApiPropertyOptionalAnew({ minLength: 1, maxLength: 20 })
  override name?: string;

  @ApiPropertyAnew({ required: false, description: 'Left out: unchanged' })
  override active?: boolean;
}

const docOf = (type: object, key: string): unknown =>
  Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, (type as { prototype: object }).prototype, key);

async function errorsOf(body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(UpdateThingDto, body));
  return errors.map((error) => error.property);
}

describe('ApiPropertyAnew', () => {
  it("documents the property afresh: the source's example and default are gone", () => {
    expect(docOf(UpdateThingDto, 'name')).toEqual({ type: String, minLength: 1, maxLength: 20, required: false });
    expect(docOf(UpdateThingDto, 'active')).toEqual({
      type: Boolean,
      required: false,
      description: 'Left out: unchanged',
    });
  });

  it('leaves the other properties as the mapped type copied them, and the order as the source has it', () => {
    expect(docOf(UpdateThingDto, 'note')).toMatchObject({ nullable: true, example: 'Bright', required: false });
    expect(Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, UpdateThingDto.prototype)).toEqual([
      ':name',
      ':note',
      ':active',
    ]);
  });

  it('leaves the source class as it was', () => {
    expect(docOf(CreateThingDto, 'name')).toEqual({ type: String, minLength: 1, maxLength: 20, example: 'Lamp' });
  });
});

describe('PartialType with OMITTABLE', () => {
  it('takes a body without any field', async () => {
    expect(await errorsOf({})).toEqual([]);
  });

  it("validates a field sent as the source does, the source's validation kept by ApiPropertyAnew", async () => {
    expect(await errorsOf({ name: '' })).toEqual(['name']);
    expect(await errorsOf({ active: 'yes' })).toEqual(['active']);
  });

  it('refuses null where the source refuses it, and takes it where the source does (IsOptional)', async () => {
    expect(await errorsOf({ name: null, active: null })).toEqual(['name', 'active']);
    expect(await errorsOf({ note: null })).toEqual([]);
  });
});
