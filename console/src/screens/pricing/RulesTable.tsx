import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { Pager } from '../../components/Pager';
import { ProblemView } from '../../components/ProblemView';
import { Empty, Loading } from '../../components/Status';
import { When } from '../../components/When';
import { useLoad } from '../../hooks';
import {
  effectText,
  numberOf,
  RULE_KINDS,
  SCOPE_TYPES,
  scopeText,
  type Rule,
  type RuleKind,
  type ScopeType,
} from './vocabulary';

const PAGE_SIZE = 20;

interface Filters {
  kind: RuleKind | '';
  scopeType: ScopeType | '';
  scopeId: string;
  active: '' | 'true' | 'false';
}

const NO_FILTERS: Filters = { kind: '', scopeType: '', scopeId: '', active: '' };

/** The rules, a page at a time, filtered as the API can filter them. */
export function RulesTable({
  version,
  onEdit,
  onChanged,
}: {
  /** Changes whenever a rule was saved elsewhere on the screen. */
  version: number;
  onEdit: (rule: Rule) => void;
  onChanged: (rule: Rule) => void;
}) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState<number>();

  const rules = useLoad(
    () =>
      unwrap(
        api.GET('/api/pricing/rules', {
          params: {
            query: {
              limit: PAGE_SIZE,
              offset,
              kind: filters.kind || undefined,
              scopeType: filters.scopeType || undefined,
              scopeId: numberOf(filters.scopeId),
              active: filters.active === '' ? undefined : filters.active === 'true',
            },
          },
        }),
      ),
    [offset, filters, version],
  );

  function apply(event: FormEvent) {
    event.preventDefault();
    setOffset(0);
    // A copy, so that applying the same filters again asks the API again.
    setFilters({ ...draft });
  }

  async function deactivate(rule: Rule) {
    setBusy(rule.id);
    setActionError(undefined);
    try {
      const updated = await unwrap(
        api.PATCH('/api/pricing/rules/{id}', { params: { path: { id: rule.id } }, body: { active: false } }),
      );
      onChanged(updated);
      rules.reload();
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(undefined);
    }
  }

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setDraft((previous) => ({ ...previous, [key]: value }));

  return (
    <>
      <form className="row filters" onSubmit={apply} aria-label="Filter the rules" noValidate>
        <div>
          <label htmlFor="filter-kind">Kind</label>
          <select id="filter-kind" value={draft.kind} onChange={(event) => set('kind', event.target.value as RuleKind)}>
            <option value="">Any kind</option>
            {RULE_KINDS.map((kind) => (
              <option key={kind}>{kind}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-scope-type">Scope type</label>
          <select
            id="filter-scope-type"
            value={draft.scopeType}
            onChange={(event) => set('scopeType', event.target.value as ScopeType)}
          >
            <option value="">Any scope</option>
            {SCOPE_TYPES.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-scope-id">Scope id</label>
          <input
            id="filter-scope-id"
            type="number"
            inputMode="numeric"
            value={draft.scopeId}
            onChange={(event) => set('scopeId', event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="filter-active">Active</label>
          <select
            id="filter-active"
            value={draft.active}
            onChange={(event) => set('active', event.target.value as Filters['active'])}
          >
            <option value="">Active or not</option>
            <option value="true">Active only</option>
            <option value="false">Inactive only</option>
          </select>
        </div>
        <button type="submit" className="secondary">
          Apply filters
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setDraft(NO_FILTERS);
            setFilters({ ...NO_FILTERS });
            setOffset(0);
          }}
        >
          Clear
        </button>
      </form>

      <ProblemView error={rules.error} />
      <ProblemView error={actionError} />
      {rules.loading && !rules.data && <Loading what="Loading the rules" />}
      {rules.data && rules.data.items.length === 0 && <Empty>No rule matches.</Empty>}
      {rules.data && rules.data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Pricing rules" aria-busy={rules.loading}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Scope</th>
                <th scope="col">Condition</th>
                <th scope="col">Effect</th>
                <th scope="col">Priority</th>
                <th scope="col">Stackable</th>
                <th scope="col">Active</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.items.map((rule) => (
                <tr key={rule.id}>
                  <th scope="row">
                    {rule.name} <span className="hint">#{rule.id}</span>
                  </th>
                  <td>{rule.kind}</td>
                  <td>{scopeText(rule.scope)}</td>
                  <td>
                    <Condition condition={rule.condition} />
                  </td>
                  <td>{effectText(rule.effect)}</td>
                  <td>{rule.priority}</td>
                  <td>{rule.stackable ? 'yes' : 'no'}</td>
                  <td>
                    <span className={`state ${rule.active ? 'state-ACTIVE' : 'state-inactive'}`}>
                      {rule.active ? 'active' : 'inactive'}
                    </span>
                  </td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Edit ${rule.name}`}
                        onClick={() => onEdit(rule)}
                      >
                        Edit
                      </button>
                      {rule.active && (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Deactivate ${rule.name}`}
                          disabled={busy === rule.id}
                          onClick={() => void deactivate(rule)}
                        >
                          Deactivate
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rules.data && <Pager page={rules.data} onOffset={setOffset} label="Pages of rules" />}
    </>
  );
}

function Condition({ condition }: { condition: Rule['condition'] }) {
  const parts: ReactNode[] = [];
  if (condition.startsAt !== undefined || condition.endsAt !== undefined) {
    parts.push(
      <span key="window">
        from <When at={condition.startsAt} /> to <When at={condition.endsAt} />
      </span>,
    );
  }
  if (condition.maxAvailable !== undefined) parts.push(`while at most ${condition.maxAvailable} available`);
  if (condition.minQuantity !== undefined) parts.push(`from ${condition.minQuantity} units`);
  if (condition.tier !== undefined) parts.push(`tier ${condition.tier}`);
  return <>{parts}</>;
}
