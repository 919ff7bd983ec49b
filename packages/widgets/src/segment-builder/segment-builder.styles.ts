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

  /* The form is the container the row layout answers to (the host's width, not the page's). */
  .form {
    container: gt-segment-builder / inline-size;
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

  /*
   * One grid for every row (subgrid): the field, value and remove columns line up whatever
   * each row holds, so the Remove buttons share one x.
   */
  .conditions {
    align-self: stretch;
    display: grid;
    grid-template-columns:
      minmax(0, var(--gt-segment-builder-field-width, 14rem))
      minmax(0, 1fr)
      max-content;
    gap: ${tokens.spacingSmall};
  }

  .condition {
    display: grid;
    grid-column: 1 / -1;
    grid-template-columns: subgrid;
    align-items: center;
  }

  .cell {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }

  .cell select,
  .cell input,
  .amount {
    width: 100%;
    box-sizing: border-box;
  }

  .amount {
    display: flex;
    align-items: center;
    gap: ${tokens.spacingXSmall};
  }

  .amount input {
    flex: 1;
    min-width: 0;
  }

  .remove {
    grid-column: 3;
  }

  .row-problem {
    grid-column: 1 / -1;
  }

  /* Labels and headings only show on cards; the controls carry their own accessible names. */
  .heading,
  .cell-label {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @container gt-segment-builder (max-width: 30rem) {
    .conditions {
      display: flex;
      flex-direction: column;
      gap: ${tokens.spacingMedium};
    }

    .condition {
      display: flex;
      flex-direction: column;
      align-items: stretch;
      gap: ${tokens.spacingSmall};
      padding: ${tokens.spacingSmall};
      border: 1px solid ${tokens.colorBorder};
      border-radius: ${tokens.radius};
    }

    .heading,
    .cell-label {
      position: static;
      width: auto;
      height: auto;
      overflow: visible;
      clip-path: none;
    }

    .heading {
      font-weight: ${tokens.fontWeightSemibold};
    }

    .cell-label {
      font-size: ${tokens.fontSizeSmall};
    }

    .remove {
      align-self: flex-start;
    }
  }

  /* The footer keeps Save in one place whatever the count, the sample or an error say. */
  .footer {
    position: sticky;
    bottom: 0;
    align-self: stretch;
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: start;
    gap: ${tokens.spacingSmall};
    padding-block: ${tokens.spacingSmall};
    border-top: 1px solid ${tokens.colorBorder};
    background-color: ${tokens.colorSurface};
  }

  .footer-text {
    display: flex;
    flex-direction: column;
    gap: ${tokens.spacingXSmall};
    min-width: 0;
  }

  .line {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: ${tokens.spacingSmall};
    min-height: 1.5em;
  }

  .summary {
    font-weight: ${tokens.fontWeightSemibold};
    transition: opacity 0.15s;
  }

  .stale .summary,
  .stale .sample {
    opacity: 0.55;
  }

  .busy {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
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
