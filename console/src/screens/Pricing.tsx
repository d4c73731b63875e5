import { useState } from 'react';
import { PricePreview } from './pricing/PricePreview';
import { RuleForm } from './pricing/RuleForm';
import { RulesTable } from './pricing/RulesTable';
import type { Rule } from './pricing/vocabulary';

export function PricingScreen() {
  const [editing, setEditing] = useState<Rule>();
  // Bumped by every write, so that the table reads again and a new form starts empty.
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string>();

  function saved(rule: Rule, created: boolean) {
    setEditing(undefined);
    setVersion((value) => value + 1);
    setNotice(`${created ? 'Created' : 'Saved'} rule #${rule.id} “${rule.name}”.`);
  }

  return (
    <>
      <h1>Pricing</h1>
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">Rules</h2>
        <RulesTable
          version={version}
          onEdit={(rule) => {
            setNotice(undefined);
            setEditing(rule);
          }}
          onChanged={(rule) => {
            if (editing?.id === rule.id) setEditing(undefined);
            setNotice(`Rule #${rule.id} “${rule.name}” is ${rule.active ? 'active' : 'inactive'}.`);
          }}
        />
      </section>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <section className="card">
        <RuleForm
          key={editing ? `edit-${editing.id}-${version}` : `new-${version}`}
          rule={editing}
          onSaved={saved}
          onCancel={() => setEditing(undefined)}
        />
      </section>
      <section className="card">
        <PricePreview />
      </section>
    </>
  );
}
