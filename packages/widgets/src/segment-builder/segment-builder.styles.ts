import { css } from 'lit';
import { tokens } from '../internal/greentrack-element.js';

// Public `--gt-segment-builder-*` properties are only read here, with the global
// token as fallback (see greentrack-element.ts).
export const segmentBuilderStyles = css`
  :host {
    display: block;
    color: ${tokens.colorText};
    background-color: ${tokens.colorSurface};
    padding: var(--gt-segment-builder-padding, ${tokens.spacingMedium});
    border-radius: ${tokens.radius};
  }

  .form {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: var(--gt-segment-builder-gap, ${tokens.spacingSmall});
  }

  .field {
    display: flex;
    align-items: center;
    gap: ${tokens.spacingSmall};
  }

  .conditions,
  .sample {
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .condition {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${tokens.spacingXSmall};
    margin-block-end: ${tokens.spacingXSmall};
  }

  .summary {
    min-height: 1.5em;
  }

  .count {
    font-weight: ${tokens.fontWeightSemibold};
  }

  .matched {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
  }

  .problem {
    margin: 0;
    padding: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    list-style: none;
    border-radius: ${tokens.radius};
    color: var(--gt-segment-builder-error-color, ${tokens.colorDanger});
    background-color: var(--gt-segment-builder-error-background, ${tokens.colorDangerSubtle});
  }
`;
