import { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IntegerQuery } from './field-decorators';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `?limit=&offset=` of every list route. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @IntegerQuery()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @IntegerQuery()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function pageOf<T, R>(items: T[], total: number, query: PageQueryDto, map: (item: T) => R): Page<R> {
  return { items: items.map(map), total, limit: query.limit, offset: query.offset };
}

/** A named page schema for the OpenAPI document, e.g. `ProductPage`, so clients get typed items. */
export function PageDto<T>(itemType: ClassType<T>, name: string): ClassType<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [itemType] })
    items!: T[];

    @ApiProperty({ example: 42, description: 'Number of items across all pages' })
    total!: number;

    @ApiProperty({ example: DEFAULT_PAGE_SIZE })
    limit!: number;

    @ApiProperty({ example: 0 })
    offset!: number;
  }
  Object.defineProperty(PageOfItems, 'name', { value: name });
  return PageOfItems;
}
