import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but not sent as null: for PATCH fields that cannot be
 * cleared (a name, a price). Use class-validator's IsOptional where null means "clear".
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
