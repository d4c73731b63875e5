import { ApiProperty, ApiPropertyOptions, DECORATORS } from '@nestjs/swagger';

/**
 * PartialType's options for an update body built from a create body: a field left out is
 * not validated, but null is, as with IsOmittable. So null is refused where the create body
 * refuses it, and still clears a field whose create validation takes null (IsOptional).
 * Without it PartialType adds IsOptional to every field and lets null through to the service.
 */
export const OMITTABLE = { skipNullProperties: false } as const;

/**
 * Documents a property that a mapped type (PartialType, PickType, OmitType) brought in, from
 * scratch. A plain ApiProperty there is merged into what the mapped type copied from its
 * source class: it can replace a description but cannot drop the source's example or
 * default, and an update body must not advertise a create body's default (a field left out
 * of an update keeps its value). The validation stays the source's, and the property keeps
 * its place in the schema.
 */
export function ApiPropertyAnew(options: ApiPropertyOptions = {}): PropertyDecorator {
  return (target, propertyKey) => {
    // An own entry without a value hides the inherited documentation from ApiProperty,
    // which then documents the property as if it were declared here first.
    Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, undefined, target, propertyKey);
    ApiProperty(options)(target, propertyKey);
  };
}

/** ApiPropertyAnew for an optional property, as ApiPropertyOptional is to ApiProperty. */
export function ApiPropertyOptionalAnew(options: ApiPropertyOptions = {}): PropertyDecorator {
  return ApiPropertyAnew({ ...options, required: false } as ApiPropertyOptions);
}
