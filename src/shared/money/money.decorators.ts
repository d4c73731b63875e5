import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { Money } from './money';

const MONEY_PATTERN = '^\\d{1,8}(\\.\\d{1,2})?$';

/**
 * OpenAPI schema of a money input. The canonical form is the decimal string that answers
 * use too; a JSON number with at most two decimals is accepted as well (see description).
 */
export const MONEY_INPUT_SCHEMA = { type: String, pattern: MONEY_PATTERN, example: '550.00' };

interface MoneyInputOptions {
  description?: string;
  required?: boolean;
}

/** The OpenAPI options of a money input as IsMoney documents it, for a field documented anew (ApiPropertyAnew). */
export function moneyInputDoc(options: MoneyInputOptions = {}) {
  return {
    description: `${options.description ?? 'Amount'}: 0 to 99999999.99 with at most two decimals, as a decimal string (or a JSON number)`,
    required: options.required ?? true,
    ...MONEY_INPUT_SCHEMA,
  } satisfies ApiPropertyOptions;
}

/**
 * A money field of a request body. Accepts "550", "550.5", "550.50" or 550.5 and hands
 * the service a Money; anything else fails validation with a field error.
 */
export function IsMoney(options: MoneyInputOptions = {}) {
  return applyDecorators(
    ApiProperty(moneyInputDoc(options)),
    Transform(({ value }: { value: unknown }) => Money.tryParse(value) ?? value),
    IsMoneyValue(),
  );
}

function IsMoneyValue(validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isMoney',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be an amount from 0 to 99999999.99 with at most two decimals, as a string ("550.00") or a number`,
        ...validationOptions,
      },
      validator: {
        validate: (value: unknown) => value instanceof Money,
      },
    });
  };
}

/** Money in a response body: always a decimal string with two fraction digits. */
export function ApiMoneyProperty(description: string) {
  return ApiProperty({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '550.00', description });
}
