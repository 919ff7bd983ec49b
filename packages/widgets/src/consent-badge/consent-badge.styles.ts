import { css } from 'lit';
import { tokens } from '../internal/greentrack-element.js';

// Every public `--gt-consent-badge-*` property is only *read* here, with the
// global token as fallback, so it can be set on the element or on any ancestor.
export const consentBadgeStyles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
  }

  .badge {
    display: inline-flex;
    align-items: center;
    gap: ${tokens.spacingXSmall};
    padding: 0.125rem ${tokens.spacingSmall};
    border: ${tokens.borderWidth} solid transparent;
    border-radius: var(--gt-consent-badge-radius, ${tokens.radiusPill});
    font-size: var(--gt-consent-badge-font-size, ${tokens.fontSizeSmall});
    font-weight: ${tokens.fontWeightSemibold};
    line-height: ${tokens.lineHeightDense};
    white-space: nowrap;
  }

  .badge[data-status='subscribed'] {
    color: var(--gt-consent-badge-subscribed-color, ${tokens.colorSuccess});
    background-color: var(--gt-consent-badge-subscribed-background, ${tokens.colorSuccessSubtle});
  }

  .badge[data-status='unsubscribed'] {
    color: var(--gt-consent-badge-unsubscribed-color, ${tokens.colorNeutral});
    background-color: var(
      --gt-consent-badge-unsubscribed-background,
      ${tokens.colorNeutralSubtle}
    );
  }

  .badge[data-status='bounced'] {
    color: var(--gt-consent-badge-bounced-color, ${tokens.colorWarning});
    background-color: var(--gt-consent-badge-bounced-background, ${tokens.colorWarningSubtle});
  }

  .badge[data-status='complained'] {
    color: var(--gt-consent-badge-complained-color, ${tokens.colorDanger});
    background-color: var(--gt-consent-badge-complained-background, ${tokens.colorDangerSubtle});
  }

  /* No preference recorded, or a status this version does not know: neutral,
     with a dashed outline so "nothing recorded" never reads as "unsubscribed". */
  .badge[data-status='none'],
  .badge[data-status='unknown'] {
    color: var(--gt-consent-badge-unset-color, ${tokens.colorNeutral});
    background-color: var(--gt-consent-badge-unset-background, ${tokens.colorSurface});
    border-color: currentColor;
    border-style: dashed;
  }

  .separator {
    opacity: 0.7;
  }
`;
