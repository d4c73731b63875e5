import { QueueBoardLink } from './health/QueueBoardLink';
import { Readiness } from './health/Readiness';
import { StockAudit } from './health/StockAudit';
import { Webhooks } from './health/Webhooks';

export function HealthScreen() {
  return (
    <>
      <h1>Health</h1>
      <div className="grid">
        <Readiness />
        <QueueBoardLink />
      </div>
      <StockAudit />
      <Webhooks />
    </>
  );
}
