import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { pageWithTotal, SqlPools } from '../shared/database';
import { ReplicaReads } from '../shared/replica';
import { Category } from './category.entity';
import { Product } from './product.entity';

/** Serialises moves within the tree, so two concurrent moves can never close a cycle. */
const TREE_MOVE_LOCK = 0x63617467; // "catg"

/** The category tree's queries. Deleted categories are hidden by TypeORM's soft-delete filter unless said otherwise. */
@Injectable()
export class CategoryRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: SqlPools,
    private readonly replica: ReplicaReads,
  ) {}

  /** Replica-safe: a page of the tree may lag the primary by the replica's bound. */
  findPage(limit: number, offset: number): Promise<[Category[], number]> {
    return this.replica.read((db) =>
      pageWithTotal(
        db.getRepository(Category).createQueryBuilder('category').orderBy('category.id', 'ASC'),
        limit,
        offset,
      ),
    );
  }

  findById(id: number): Promise<Category | null> {
    return this.dataSource.getRepository(Category).findOneBy({ id });
  }

  /**
   * Locks a live category row: FOR SHARE while a child or a product is attached to it (so
   * it cannot be deleted meanwhile), FOR UPDATE to change or delete it. Null when there is none.
   */
  lockLive(tx: EntityManager, id: number, mode: 'pessimistic_read' | 'pessimistic_write'): Promise<Category | null> {
    return tx.getRepository(Category).findOne({ where: { id }, lock: { mode } });
  }

  /** Waits for the tree-move lock, held until `tx` ends. */
  async lockTreeMoves(tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [TREE_MOVE_LOCK]);
  }

  /** Inserts or updates the category; a sibling with the same name fails on CATEGORY_SIBLING_NAME_INDEX. */
  save(tx: EntityManager, category: Category): Promise<Category> {
    return tx.getRepository(Category).save(category);
  }

  /** A new, unsaved category. */
  build(fields: Pick<Category, 'name' | 'description' | 'parentId'>): Category {
    return this.dataSource.getRepository(Category).create(fields);
  }

  /** True when `ancestorId` is `id` itself or one of its ancestors. */
  async isSelfOrAncestor(tx: EntityManager, ancestorId: number, id: number): Promise<boolean> {
    const [{ found }]: { found: boolean }[] = await tx.query(
      `WITH RECURSIVE ancestors AS (
         SELECT id, parent_id FROM categories WHERE id = $1
         UNION
         SELECT c.id, c.parent_id FROM categories c JOIN ancestors a ON c.id = a.parent_id
       )
       SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = $2) AS found`,
      [id, ancestorId],
    );
    return found;
  }

  hasLiveChildren(tx: EntityManager, id: number): Promise<boolean> {
    return tx.getRepository(Category).existsBy({ parentId: id });
  }

  hasLiveProducts(tx: EntityManager, id: number): Promise<boolean> {
    return tx.getRepository(Product).existsBy({ categoryId: id });
  }

  async softDelete(tx: EntityManager, id: number): Promise<void> {
    await tx.getRepository(Category).softDelete({ id });
  }

  /** Ids of the category and all its live descendants; empty when the category is not live. Replica-safe. */
  async findSubtreeIds(id: number): Promise<number[]> {
    const rows: { id: number }[] = await this.replica.read((db) =>
      db.query(
        `WITH RECURSIVE subtree AS (
         SELECT id FROM categories WHERE id = $1 AND deleted_at IS NULL
         UNION ALL
         SELECT c.id FROM categories c JOIN subtree s ON c.parent_id = s.id WHERE c.deleted_at IS NULL
       )
       SELECT id FROM subtree`,
        [id],
      ),
    );
    return rows.map((row) => row.id);
  }

  /** True when the category exists and is not deleted. */
  async existsLive(id: number): Promise<boolean> {
    const rows = await this.sql.onReadPool<unknown[]>(`SELECT 1 FROM categories WHERE id = $1 AND deleted_at IS NULL`, [
      id,
    ]);
    return rows.length > 0;
  }
}
