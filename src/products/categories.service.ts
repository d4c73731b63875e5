import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InvalidationBus } from '../shared/bus';
import { ReplicaReads } from '../shared/replica';
import { onUniqueViolation } from '../shared/database';
import { CatalogCache, CATEGORIES_CHANGED } from './catalog.cache';
import { PageQueryDto } from '../shared/http';
import { Category, CATEGORY_SIBLING_NAME_INDEX } from './category.entity';
import { CategoryRepository } from './category.repository';
import { CreateCategoryDto, UpdateCategoryDto } from './dto/category.dto';
import {
  CategoryCycleError,
  CategoryInUseError,
  CategoryNameTakenError,
  CategoryNotFoundError,
} from './products.errors';

@Injectable()
export class CategoriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly categories: CategoryRepository,
    private readonly cache: CatalogCache,
    private readonly bus: InvalidationBus,
    private readonly replica: ReplicaReads,
  ) {}

  async create(input: CreateCategoryDto): Promise<Category> {
    return this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      if (input.parentId != null) await this.lockLive(tx, input.parentId, 'pessimistic_read');
      const category = this.categories.build({
        name: input.name,
        description: input.description ?? null,
        parentId: input.parentId ?? null,
      });
      // The parent's subtree grows.
      await this.bus.publish(tx, CATEGORIES_CHANGED);
      return this.saveNamed(tx, category);
    });
  }

  list(query: PageQueryDto): Promise<[Category[], number]> {
    return this.categories.findPage(query.limit, query.offset);
  }

  async get(id: number): Promise<Category> {
    const category = await this.categories.findById(id);
    if (!category) throw new CategoryNotFoundError(id);
    return category;
  }

  async update(id: number, input: UpdateCategoryDto): Promise<Category> {
    return this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      const moving = input.parentId !== undefined;
      if (moving) await this.categories.lockTreeMoves(tx);
      const category = await this.lockLive(tx, id, 'pessimistic_write');
      if (input.parentId != null) {
        await this.lockLive(tx, input.parentId, 'pessimistic_read');
        if (await this.categories.isSelfOrAncestor(tx, id, input.parentId)) {
          throw new CategoryCycleError(id, input.parentId);
        }
      }
      if (input.name !== undefined) category.name = input.name;
      if (input.description !== undefined) category.description = input.description;
      if (moving) category.parentId = input.parentId ?? null;
      await this.bus.publish(tx, CATEGORIES_CHANGED);
      return this.saveNamed(tx, category);
    });
  }

  /** Soft-deletes a category that has neither live sub-categories nor live products. */
  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      this.replica.noteWriteIn(tx);
      await this.lockLive(tx, id, 'pessimistic_write');
      if (await this.categories.hasLiveChildren(tx, id)) throw new CategoryInUseError(id, 'sub-categories');
      if (await this.categories.hasLiveProducts(tx, id)) throw new CategoryInUseError(id, 'products');
      await this.categories.softDelete(tx, id);
      await this.bus.publish(tx, CATEGORIES_CHANGED);
    });
  }

  /** Ids of the category and all its live descendants, from this instance's read model when it holds them. */
  async subtreeIds(id: number): Promise<number[]> {
    const ids = await this.cache.subtree(id, () => this.categories.findSubtreeIds(id));
    if (ids.length === 0) throw new CategoryNotFoundError(id);
    return ids;
  }

  /**
   * Locks a live category: FOR SHARE while a child or a product is attached to it (so it
   * cannot be deleted meanwhile), FOR UPDATE to change or delete it.
   */
  async lockLive(tx: EntityManager, id: number, mode: 'pessimistic_read' | 'pessimistic_write'): Promise<Category> {
    const category = await this.categories.lockLive(tx, id, mode);
    if (!category) throw new CategoryNotFoundError(id);
    return category;
  }

  private saveNamed(tx: EntityManager, category: Category): Promise<Category> {
    return onUniqueViolation(
      CATEGORY_SIBLING_NAME_INDEX,
      () => new CategoryNameTakenError(category.name),
      () => this.categories.save(tx, category),
    );
  }
}
