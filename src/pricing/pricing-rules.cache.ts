import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Invalidation, InvalidationBus } from '../shared/bus';
import { Env } from '../shared/config';
import { Rule } from './rule';
import { PricingRuleRepository } from './pricing-rule.repository';
import { RuleIndex, ScopeTarget } from './rule-index';

/** What a rule write publishes on the invalidation bus. */
export const RULES_CHANGED: Invalidation = { topic: 'pricing.rules' };

/**
 * Every pricing rule, held in memory: quotes are the hot read path and never query the
 * rules. A write on this instance reloads before it answers (its effect is visible at
 * once); every other instance reloads when the write's notification arrives on the
 * invalidation bus, and a timer reloads every PRICING_RULES_REFRESH_SECONDS in case a
 * notification was lost.
 * Until a first load succeeds, a quote loads the rules itself (and fails if it cannot):
 * it never prices with an empty rule set by mistake.
 */
@Injectable()
export class PricingRulesCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PricingRulesCache.name);
  private index: RuleIndex | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loadsStarted = 0;
  private appliedLoad = 0;
  private pendingFirstLoad: Promise<void> | null = null;

  constructor(
    private readonly rules: PricingRuleRepository,
    private readonly config: ConfigService<Env, true>,
    private readonly bus: InvalidationBus,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe(RULES_CHANGED.topic, () => void this.reloadInBackground());
    // Not awaited: the app starts without waiting for the database (which may not be
    // migrated yet); a quote that arrives first waits for this load.
    this.firstLoad().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'Could not load the pricing rules; quotes will try again'),
    );
    const seconds = this.config.get('PRICING_RULES_REFRESH_SECONDS', { infer: true });
    this.timer = setInterval(() => void this.reloadInBackground(), seconds * 1000);
    // The timer alone must not keep a process (a CLI, a test) alive.
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The rules whose scope covers the target. */
  async rulesFor(target: ScopeTarget): Promise<Rule[]> {
    return (this.index ?? (await this.firstLoad())).rulesFor(target);
  }

  /**
   * Reads all rules again. Loads may overlap (a write's reload and the timer's); a load
   * that started earlier never replaces the result of one that started later, since
   * the later one may have seen a write the earlier one missed.
   */
  private async reload(): Promise<void> {
    const load = ++this.loadsStarted;
    const rules = await this.rules.findAll();
    if (load > this.appliedLoad) {
      this.index = new RuleIndex(rules);
      this.appliedLoad = load;
    }
  }

  /** Quotes that arrive before any load succeeded share one load; its failure fails them. */
  private async firstLoad(): Promise<RuleIndex> {
    this.pendingFirstLoad ??= this.reload().finally(() => (this.pendingFirstLoad = null));
    await this.pendingFirstLoad;
    return this.index ?? RuleIndex.EMPTY;
  }

  /**
   * Reloads after a committed write. A failure is logged, not thrown: the write stands
   * (answering 500 would invite a duplicate retry) and the timer catches up.
   */
  async reloadAfterWrite(): Promise<void> {
    await this.reloadInBackground();
  }

  private async reloadInBackground(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      // Keep serving the last rules read; the next tick tries again.
      this.logger.warn({ err: error }, 'Could not reload the pricing rules; keeping the previous ones');
    }
  }
}
