import { useTranslation } from 'react-i18next';
import { type FlowStep, flowSteps } from '../flow.ts';
import { usePreferences } from '../preferences.tsx';

/** The five steps, where the user is, and the ones behind them. */
export function FlowStepper({ current }: { current: FlowStep }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const at = flowSteps.indexOf(current);
  return (
    <nav aria-label={t('flow.stepsLabel')}>
      <ol className="flow-stepper" data-testid="flow-stepper">
        {flowSteps.map((step, index) => (
          <li
            key={step}
            data-step={step}
            aria-current={step === current ? 'step' : undefined}
            className={index < at ? 'done' : index === at ? 'current' : undefined}
          >
            <span className="flow-step-number" aria-hidden="true">
              {format.number(index + 1)}
            </span>
            <span className="flow-step-name">{t(`flow.steps.${step}`)}</span>
            {index < at ? <span className="visually-hidden">{t('flow.stepDone')}</span> : null}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The stepper, then the step's own heading. */
export function FlowHeading({ step, lead }: { step: FlowStep; lead?: string }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  return (
    <>
      <FlowStepper current={step} />
      <div className="page-heading">
        <div>
          <p className="flow-kicker">
            {t('flow.stepOf', {
              step: format.number(flowSteps.indexOf(step) + 1),
              steps: format.number(flowSteps.length),
            })}
          </p>
          <h1 tabIndex={-1}>{t(`flow.titles.${step}`)}</h1>
          {lead ? <p className="lead">{lead}</p> : null}
        </div>
      </div>
    </>
  );
}
