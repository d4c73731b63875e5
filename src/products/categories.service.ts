import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { onUniqueViolation, queryForRead } from '../shared/database';
import { PageQueryDto } from '../shared/http';
import { Category, CATEGORY_SIBLING_NAME_INDEX } from './category.entity';
import { CreateCategoryDto, UpdateCategoryDto } from './dto/category.dto';
import { Product } from './product.entity';
import {
  CategoryCycleError,
  CategoryInUseError,
  CategoryNameTakenError,
  CategoryNotFoundError,
} from './products.errors';

/** Serialises moves within the tree, so two concurrent moves can never close a cycle. */
const TREE_MOVE_LOCK = 0x63617467; // "catg"

@Injectable()
export class CategoriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Category) private readonly categories: Repository<Category>,
  ) {}

  async create(input: CreateCategoryDto): Promise<Category> {
    return this.dataSource.transaction(async (tx) => {
      if (input.parentId != null) await lockLiveCategory(tx, input.parentId, 'pessimistic_read');
      const category = tx.getRepository(Category).create({
        name: input.name,
        description: input.description ?? null,
        parentId: input.parentId ?? null,
      });
      return onUniqueViolation(
        CATEGORY_SIBLING_NAME_INDEX,
        () => new CategoryNameTakenError(category.name),
        () => tx.getRepository(Category).save(category),
      );
    });
  }

  async list(query: PageQueryDto): Promise<[Category[], number]> {
    return this.categories.findAndCount({ order: { id: 'ASC' }, take: query.limit, skip: query.offset });
  }

  async get(id: number): Promise<Category> {
    const category = await this.categories.findOneBy({ id });
    if (!category) throw new CategoryNotFoundError(id);
    return category;
  }

  async update(id: number, input: UpdateCategoryDto): Promise<Category> {
    return this.dataSource.transaction(async (tx) => {
      const moving = input.parentId !== undefined;
      if (moving) await tx.query('SELECT pg_advisory_xact_lock($1)', [TREE_MOVE_LOCK]);
      const category = await lockLiveCategory(tx, id, 'pessimistic_write');
      if (input.parentId != null) {
        await lockLiveCategory(tx, input.parentId, 'pessimistic_read');
        await assertNotDescendant(tx, id, input.parentId);
      }
      if (input.name !== undefined) category.name = input.name;
      if (input.description !== undefined) category.description = input.description;
      if (moving) category.parentId = input.parentId ?? null;
      return onUniqueViolation(
        CATEGORY_SIBLING_NAME_INDEX,
        () => new CategoryNameTakenError(category.name),
        () => tx.getRepository(Category).save(category),
      );
    });
  }

  /** Soft-deletes a category that has neither live sub-categories nor live products. */
  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await lockLiveCategory(tx, id, 'pessimistic_write');
      if (await tx.getRepository(Category).existsBy({ parentId: id })) {
        throw new CategoryInUseError(id, 'sub-categories');
      }
      if (await tx.getRepository(Product).existsBy({ categoryId: id })) {
        throw new CategoryInUseError(id, 'products');
      }
      await tx.getRepository(Category).softDelete({ id });
    });
  }

  /** Ids of the category and all its live descendants. */
  async subtreeIds(id: number): Promise<number[]> {
    const rows = await queryForRead<{ id: number }[]>(
      this.dataSource,
      `WITH RECURSIVE subtree AS (
         SELECT id FROM categories WHERE id = $1 AND deleted_at IS NULL
         UNION ALL
         SELECT c.id FROM categories c JOIN subtree s ON c.parent_id = s.id WHERE c.deleted_at IS NULL
       )
       SELECT id FROM subtree`,
      [id],
    );
    if (rows.length === 0) throw new CategoryNotFoundError(id);
    return rows.map((row) => row.id);
  }
}

/**
 * Locks a live category row: FOR SHARE while a child or a product is attached to it (so
 * it cannot be deleted meanwhile), FOR UPDATE to change or delete it.
 */
export async function lockLiveCategory(
  tx: EntityManager,
  id: number,
  mode: 'pessimistic_read' | 'pessimistic_write',
): Promise<Category> {
  const category = await tx.getRepository(Category).findOne({ where: { id }, lock: { mode } });
  if (!category) throw new CategoryNotFoundError(id);
  return category;
}

async function assertNotDescendant(tx: EntityManager, id: number, newParentId: number): Promise<void> {
  const [{ cycle }]: { cycle: boolean }[] = await tx.query(
    `WITH RECURSIVE ancestors AS (
       SELECT id, parent_id FROM categories WHERE id = $1
       UNION
       SELECT c.id, c.parent_id FROM categories c JOIN ancestors a ON c.id = a.parent_id
     )
     SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = $2) AS cycle`,
    [newParentId, id],
  );
  if (cycle) throw new CategoryCycleError(id, newParentId);
}
