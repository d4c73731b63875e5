import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, fieldError, unwrap, type Schemas } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { FieldMessage } from '../../components/Status';
import {
  conditionFieldsOf,
  CUSTOMER_TIERS,
  describedBy,
  EFFECT_TYPES,
  isoOfLocal,
  localOfIso,
  numberOf,
  RULE_KINDS,
  SCOPE_TYPES,
  type ConditionField,
  type CustomerTier,
  type EffectType,
  type Rule,
  type RuleKind,
  type ScopeType,
} from './vocabulary';

/** What the inputs hold, as typed: the API, not the console, decides what is valid. */
interface Draft {
  name: string;
  kind: RuleKind;
  scopeType: ScopeType;
  scopeId: string;
  startsAt: string;
  endsAt: string;
  maxAvailable: string;
  minQuantity: string;
  tier: CustomerTier | '';
  effectType: EffectType;
  effectValue: string;
  priority: string;
  stackable: boolean;
  active: boolean;
}

const NEW_RULE: Draft = {
  name: '',
  kind: 'QUANTITY',
  scopeType: 'PRODUCT',
  scopeId: '',
  startsAt: '',
  endsAt: '',
  maxAvailable: '',
  minQuantity: '',
  tier: '',
  effectType: 'PERCENT_OFF',
  effectValue: '',
  priority: '0',
  stackable: true,
  active: true,
};

function draftOf(rule: Rule): Draft {
  const { condition } = rule;
  return {
    name: rule.name,
    kind: rule.kind,
    scopeType: rule.scope.type,
    scopeId: rule.scope.id === null ? '' : String(rule.scope.id),
    startsAt: localOfIso(condition.startsAt),
    endsAt: localOfIso(condition.endsAt),
    maxAvailable: condition.maxAvailable === undefined ? '' : String(condition.maxAvailable),
    minQuantity: condition.minQuantity === undefined ? '' : String(condition.minQuantity),
    tier: condition.tier ?? '',
    effectType: rule.effect.type,
    effectValue: rule.effect.value,
    priority: String(rule.priority),
    stackable: rule.stackable,
    active: rule.active,
  };
}

/** The whole rule, as POST takes it and as PATCH replaces scope, condition and effect. */
function bodyOf(draft: Draft): Schemas['CreatePricingRuleDto'] {
  const fields = conditionFieldsOf(draft.kind);
  const condition: Schemas['RuleConditionInputDto'] = {};
  if (fields.includes('startsAt')) condition.startsAt = isoOfLocal(draft.startsAt);
  if (fields.includes('endsAt')) condition.endsAt = isoOfLocal(draft.endsAt);
  if (fields.includes('maxAvailable')) condition.maxAvailable = numberOf(draft.maxAvailable);
  if (fields.includes('minQuantity')) condition.minQuantity = numberOf(draft.minQuantity);
  if (fields.includes('tier')) condition.tier = draft.tier || undefined;
  return {
    name: draft.name,
    kind: draft.kind,
    scope: draft.scopeType === 'GLOBAL' ? { type: 'GLOBAL' } : { type: draft.scopeType, id: numberOf(draft.scopeId) },
    condition,
    effect: { type: draft.effectType, value: draft.effectValue },
    priority: numberOf(draft.priority),
    stackable: draft.stackable,
    active: draft.active,
  };
}

const CONDITION_LABELS: Record<ConditionField, string> = {
  startsAt: 'Starts at (inclusive)',
  endsAt: 'Ends at (exclusive)',
  maxAvailable: 'At most this many available',
  minQuantity: 'From this many units a line',
  tier: 'Customer tier',
};

/** Creates a rule, or edits `rule`: the same form, filled in. */
export function RuleForm({
  rule,
  onSaved,
  onCancel,
}: {
  rule?: Rule;
  onSaved: (rule: Rule, created: boolean) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => (rule ? draftOf(rule) : NEW_RULE));
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (rule) nameInput.current?.focus();
  }, [rule]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((previous) => ({ ...previous, [key]: value }));
  const message = (field: string) => fieldError(error, field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      const body = bodyOf(draft);
      const saved = rule
        ? await unwrap(api.PATCH('/api/pricing/rules/{id}', { params: { path: { id: rule.id } }, body }))
        : await unwrap(api.POST('/api/pricing/rules', { body }));
      onSaved(saved, !rule);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }

  const conditionFields = conditionFieldsOf(draft.kind);
  const nameError = message('name');
  const kindError = message('kind');
  const scopeTypeError = message('scope.type');
  const scopeIdError = message('scope.id');
  const effectTypeError = message('effect.type');
  const effectValueError = message('effect.value');
  const priorityError = message('priority');
  const stackableError = message('stackable');
  const activeError = message('active');

  return (
    <form onSubmit={(event) => void submit(event)} aria-labelledby="rule-form-title" noValidate>
      <h2 id="rule-form-title">{rule ? `Edit rule #${rule.id}: ${rule.name}` : 'New rule'}</h2>
      <div className="row">
        <div className="grow">
          <label htmlFor="rule-name">Name</label>
          <input
            ref={nameInput}
            {...describedBy('rule-name', nameError)}
            className="wide"
            value={draft.name}
            onChange={(event) => set('name', event.target.value)}
            autoComplete="off"
          />
          <FieldMessage id="rule-name-error" message={nameError} />
        </div>
        <div>
          <label htmlFor="rule-kind">Kind</label>
          <select
            {...describedBy('rule-kind', kindError)}
            value={draft.kind}
            onChange={(event) => set('kind', event.target.value as RuleKind)}
          >
            {RULE_KINDS.map((kind) => (
              <option key={kind}>{kind}</option>
            ))}
          </select>
          <FieldMessage id="rule-kind-error" message={kindError} />
        </div>
      </div>

      <fieldset>
        <legend>Scope</legend>
        <div className="row">
          <div>
            <label htmlFor="rule-scope-type">Scope type</label>
            <select
              {...describedBy('rule-scope-type', scopeTypeError)}
              value={draft.scopeType}
              onChange={(event) => set('scopeType', event.target.value as ScopeType)}
            >
              {SCOPE_TYPES.map((type) => (
                <option key={type}>{type}</option>
              ))}
            </select>
            <FieldMessage id="rule-scope-type-error" message={scopeTypeError} />
          </div>
          <div>
            <label htmlFor="rule-scope-id">Scope id</label>
            <input
              {...describedBy('rule-scope-id', scopeIdError)}
              type="number"
              inputMode="numeric"
              value={draft.scopeType === 'GLOBAL' ? '' : draft.scopeId}
              disabled={draft.scopeType === 'GLOBAL'}
              onChange={(event) => set('scopeId', event.target.value)}
              placeholder={draft.scopeType === 'GLOBAL' ? 'none for GLOBAL' : `the ${draft.scopeType.toLowerCase()} id`}
            />
            <FieldMessage id="rule-scope-id-error" message={scopeIdError} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>Condition of a {draft.kind} rule</legend>
        <div className="row">
          {conditionFields.map((field) => {
            const id = `rule-condition-${field}`;
            const fieldMessage = message(`condition.${field}`);
            return (
              <div key={field}>
                <label htmlFor={id}>{CONDITION_LABELS[field]}</label>
                {field === 'tier' ? (
                  <select
                    {...describedBy(id, fieldMessage)}
                    value={draft.tier}
                    onChange={(event) => set('tier', event.target.value as CustomerTier | '')}
                  >
                    <option value="">Choose a tier</option>
                    {CUSTOMER_TIERS.map((tier) => (
                      <option key={tier}>{tier}</option>
                    ))}
                  </select>
                ) : field === 'startsAt' || field === 'endsAt' ? (
                  <input
                    {...describedBy(id, fieldMessage)}
                    type="datetime-local"
                    step={1}
                    value={draft[field]}
                    onChange={(event) => set(field, event.target.value)}
                  />
                ) : (
                  <input
                    {...describedBy(id, fieldMessage)}
                    type="number"
                    inputMode="numeric"
                    value={draft[field]}
                    onChange={(event) => set(field, event.target.value)}
                  />
                )}
                <FieldMessage id={`${id}-error`} message={fieldMessage} />
              </div>
            );
          })}
        </div>
        {(conditionFields.includes('startsAt') || conditionFields.includes('endsAt')) && (
          <p className="hint">In your local time; sent as UTC.</p>
        )}
      </fieldset>

      <fieldset>
        <legend>Effect</legend>
        <div className="row">
          <div>
            <label htmlFor="rule-effect-type">Effect type</label>
            <select
              {...describedBy('rule-effect-type', effectTypeError)}
              value={draft.effectType}
              onChange={(event) => set('effectType', event.target.value as EffectType)}
            >
              {EFFECT_TYPES.map((type) => (
                <option key={type}>{type}</option>
              ))}
            </select>
            <FieldMessage id="rule-effect-type-error" message={effectTypeError} />
          </div>
          <div>
            <label htmlFor="rule-effect-value">Effect value</label>
            <input
              {...describedBy('rule-effect-value', effectValueError)}
              inputMode="decimal"
              value={draft.effectValue}
              onChange={(event) => set('effectValue', event.target.value)}
              placeholder={draft.effectType.startsWith('PERCENT') ? 'percent, e.g. 10' : 'amount, e.g. 5.00'}
              autoComplete="off"
            />
            <FieldMessage id="rule-effect-value-error" message={effectValueError} />
          </div>
        </div>
      </fieldset>

      <div className="row">
        <div>
          <label htmlFor="rule-priority">Priority</label>
          <input
            {...describedBy('rule-priority', priorityError)}
            type="number"
            inputMode="numeric"
            value={draft.priority}
            onChange={(event) => set('priority', event.target.value)}
          />
          <FieldMessage id="rule-priority-error" message={priorityError} />
        </div>
        <div className="checks">
          <label className="check">
            <input
              {...describedBy('rule-stackable', stackableError)}
              type="checkbox"
              checked={draft.stackable}
              onChange={(event) => set('stackable', event.target.checked)}
            />
            Stackable
          </label>
          <FieldMessage id="rule-stackable-error" message={stackableError} />
          <label className="check">
            <input
              {...describedBy('rule-active', activeError)}
              type="checkbox"
              checked={draft.active}
              onChange={(event) => set('active', event.target.checked)}
            />
            Active
          </label>
          <FieldMessage id="rule-active-error" message={activeError} />
        </div>
      </div>
      <p className="hint">
        Priority breaks ties within a stage (higher wins); a rule that is not stackable ends the chain.
      </p>

      <div className="row">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : rule ? 'Save changes' : 'Create rule'}
        </button>
        {rule && (
          <button type="button" className="secondary" onClick={onCancel}>
            Stop editing
          </button>
        )}
      </div>
      <ProblemView error={error} />
    </form>
  );
}
