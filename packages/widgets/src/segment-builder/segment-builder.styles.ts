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

  .tree {
    align-self: stretch;
    display: flex;
    flex-direction: column;
    gap: ${tokens.spacingSmall};
  }

  /*
   * One grid for every row (subgrid), nested groups included: the field, operator, value and
   * remove columns line up whatever each row holds, so the Remove buttons share one x at
   * every depth. A group's indent narrows only the first column of its rows.
   */
  .tree > .conditions {
    display: grid;
    grid-template-columns:
      minmax(0, var(--gt-segment-builder-field-width, 12rem))
      minmax(0, var(--gt-segment-builder-op-width, 11rem))
      minmax(0, 1fr)
      max-content;
    gap: ${tokens.spacingSmall};
  }

  .condition,
  .group,
  .box,
  .group-head,
  .box > .conditions {
    display: grid;
    grid-column: 1 / -1;
    grid-template-columns: subgrid;
    align-items: center;
    gap: ${tokens.spacingSmall};
  }

  .box {
    padding-inline-start: var(--gt-segment-builder-indent, ${tokens.spacingMedium});
    border-inline-start: 3px solid ${tokens.colorBorder};
  }

  .group-title {
    grid-column: 1 / 4;
    display: flex;
    align-items: center;
    gap: ${tokens.spacingSmall};
  }

  .group-heading {
    font-weight: ${tokens.fontWeightSemibold};
  }

  .adds {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: ${tokens.spacingSmall};
  }

  .cell {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }

  .cell select,
  .cell input {
    width: 100%;
  }

  /* A value cell reads as a sentence: inputs and the words between them wrap together. */
  .inputs {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    min-width: 0;
  }

  .inputs > select,
  .inputs > input,
  .amount,
  .chips {
    flex: 1 1 8rem;
    min-width: 0;
  }

  .inputs > .num,
  .similar .num {
    flex: 0 0 5.5rem;
    width: 5.5rem;
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

  /* Chips and the text input share one bordered line; suggestions drop below it. */
  .chips {
    position: relative;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${tokens.spacingXSmall};
  }

  .chips input {
    flex: 1 1 6rem;
    width: auto;
  }

  .chip {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    padding-inline-start: ${tokens.spacingSmall};
    border: 1px solid ${tokens.colorBorder};
    border-radius: 999px;
    background-color: ${tokens.colorNeutralSubtle};
  }

  .chip-remove {
    min-block-size: 1.75rem;
    padding-inline: ${tokens.spacingSmall};
    border: 0;
    border-radius: 999px;
    background: transparent;
  }

  .suggestions {
    position: absolute;
    inset-block-start: 100%;
    inset-inline: 0;
    z-index: 1;
    margin: 2px 0 0;
    padding: 2px;
    list-style: none;
    border: 1px solid ${tokens.colorBorder};
    border-radius: ${tokens.radius};
    background-color: ${tokens.colorControlBackground};
  }

  .suggestions li {
    padding: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    border-radius: ${tokens.radius};
    cursor: pointer;
  }

  .suggestions [aria-selected='true'] {
    outline: 2px solid ${tokens.colorFocus};
    outline-offset: -2px;
  }

  .remove {
    grid-column: 4;
  }

  .row-problem {
    grid-column: 1 / -1;
  }

  .similar {
    flex-wrap: wrap;
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
    .tree > .conditions,
    .box > .conditions,
    .group,
    .box,
    .group-head {
      display: flex;
      flex-direction: column;
      align-items: stretch;
      gap: ${tokens.spacingMedium};
    }

    .group-head {
      flex-direction: row;
      justify-content: space-between;
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

    .op-text:empty {
      display: none;
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
    transition: color 0.15s;
  }

  /* A stale count is dimmed to the neutral colour, which keeps AA contrast (opacity did not). */
  .stale .summary,
  .stale .sample {
    color: ${tokens.colorNeutral};
  }

  .busy,
  .matched {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
  }

  .problem {
    margin: 0;
    padding: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    border-radius: ${tokens.radius};
    color: var(--gt-segment-builder-error-color, ${tokens.colorDanger});
    background-color: var(--gt-segment-builder-error-background, ${tokens.colorDangerSubtle});
  }
`;
