import { useEffect, useState } from 'react';
import { session } from './api/client';
import { href, useRoute } from './router';
import { HealthScreen } from './screens/Health';
import { PricingScreen } from './screens/Pricing';
import { ReservationsScreen } from './screens/Reservations';
import { StockScreen } from './screens/Stock';
import { VariantScreen } from './screens/Variant';
import { SignIn } from './SignIn';

const SECTIONS = [
  ['stock', 'Stock'],
  ['reservations', 'Reservations'],
  ['pricing', 'Pricing'],
  ['health', 'Health'],
] as const;

export function App() {
  const [sessionState, setSessionState] = useState<'in' | 'out' | 'ended'>(session.token() ? 'in' : 'out');
  const [section = 'stock', ...params] = useRoute();
  // A refused token mid-work ends the session; the screen (the hash) stays for after sign-in.
  useEffect(() => session.onEnded(() => setSessionState((state) => (state === 'in' ? 'ended' : state))), []);

  if (sessionState !== 'in') {
    return <SignIn ended={sessionState === 'ended'} onSignedIn={() => setSessionState('in')} />;
  }
  return (
    <>
      <header className="top">
        <span className="brand">Commerce console</span>
        <nav aria-label="Sections">
          {SECTIONS.map(([name, label]) => (
            <a key={name} href={href(name)} aria-current={section === name ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <button
          type="button"
          className="link"
          onClick={() => {
            session.signOut();
            setSessionState('out');
          }}
        >
          Sign out
        </button>
      </header>
      <main>{screen(section, params)}</main>
    </>
  );
}

function screen(section: string, params: string[]) {
  switch (section) {
    case 'stock':
      return params[0] ? <VariantScreen variantId={Number(params[0])} /> : <StockScreen />;
    case 'reservations':
      return <ReservationsScreen reservationId={params[0]} />;
    case 'pricing':
      return <PricingScreen />;
    case 'health':
      return <HealthScreen />;
    default:
      return <p>There is no such screen. Pick one above.</p>;
  }
}
