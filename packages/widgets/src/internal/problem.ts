import { css, html } from 'lit';
import type { GtErrorDetail } from '../base/events.js';
import { tokens } from './greentrack-element.js';

/** The look of `renderProblem`: the danger colours on their subtle background. */
export const problemStyles = css`
  .problem {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${tokens.spacingSmall};
    margin: 0;
    padding: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    border-radius: ${tokens.radius};
    color: ${tokens.colorDanger};
    background-color: ${tokens.colorDangerSubtle};
  }
`;

/**
 * A failed load, announced as an alert (`part="error"`), with a button (`part="retry"`) that
 * runs it again: the shared shape of the list widgets' load failures.
 */
export function renderProblem(failure: GtErrorDetail, retryLabel: string, retry: () => void) {
  return html`<p part="error" class="problem" role="alert">
    ${failure.message}
    <button part="retry" type="button" @click=${retry}>${retryLabel}</button>
  </p>`;
}
