import { css } from 'lit';
import { tokens } from '../internal/greentrack-element.js';

// Public `--gt-campaign-dashboard-*` properties are only read here, with the global token as
// fallback (see greentrack-element.ts).
export const campaignDashboardStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    color: ${tokens.colorText};
    background-color: ${tokens.colorSurface};
    padding: var(--gt-campaign-dashboard-padding, ${tokens.spacingMedium});
    border-radius: ${tokens.radius};
  }

  .layout {
    display: grid;
    gap: ${tokens.spacingMedium};
    align-items: start;
  }

  @container (min-width: 40rem) {
    .layout {
      grid-template-columns: var(--gt-campaign-dashboard-list-width, 16rem) minmax(0, 1fr);
    }

    .status,
    .problem {
      grid-column: 1 / -1;
    }
  }

  h2,
  h3,
  h4 {
    margin: 0 0 ${tokens.spacingSmall};
    line-height: ${tokens.lineHeightDense};
  }

  h2 {
    font-size: 1.25rem;
  }

  h3 {
    font-size: 1rem;
  }

  h4 {
    font-size: ${tokens.fontSizeSmall};
    font-weight: ${tokens.fontWeightSemibold};
    color: ${tokens.colorNeutral};
  }

  ul,
  ol {
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .campaign {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    inline-size: 100%;
    padding-block: ${tokens.spacingXSmall};
    border-radius: 0;
    border-width: 0 0 ${tokens.borderWidth};
    border-color: ${tokens.colorNeutralSubtle};
    text-align: start;
    font-weight: normal;
  }

  .campaign:hover {
    background-color: ${tokens.colorNeutralSubtle};
  }

  .campaign[aria-current='true'] {
    background-color: var(
      --gt-campaign-dashboard-selected-background,
      ${tokens.colorNeutralSubtle}
    );
    box-shadow: inset 3px 0 0 ${tokens.colorPrimary};
  }

  .campaign:focus-visible {
    outline-offset: -2px;
  }

  .campaign-name {
    font-weight: ${tokens.fontWeightSemibold};
  }

  .campaign-meta,
  .tile dt,
  .tile-note,
  .note,
  .status {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
  }

  .detail {
    min-inline-size: 0;
  }

  .block {
    margin-block-end: ${tokens.spacingMedium};
  }

  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: ${tokens.spacingSmall};
    margin: 0 0 ${tokens.spacingMedium};
    padding: 0;
    border: 0;
  }

  .field {
    display: flex;
    flex-direction: column;
    gap: ${tokens.spacingXSmall};
    font-size: ${tokens.fontSizeSmall};
  }

  .field select,
  .field input {
    font-size: 1rem;
  }

  .key {
    display: flex;
    flex-wrap: wrap;
    gap: ${tokens.spacingXSmall} ${tokens.spacingMedium};
    font-size: ${tokens.fontSizeSmall};
  }

  .swatch {
    display: inline-block;
    inline-size: 0.75rem;
    block-size: 0.75rem;
    margin-inline-end: ${tokens.spacingXSmall};
    border-radius: 2px;
    vertical-align: middle;
  }

  .chart {
    block-size: var(--gt-campaign-dashboard-chart-height, 16rem);
    margin-block: ${tokens.spacingSmall};
    overflow: hidden;
    color: ${tokens.colorNeutral};
    border-color: ${tokens.colorNeutralSubtle};
    font-size: ${tokens.fontSizeSmall};
  }

  summary {
    cursor: pointer;
    font-size: ${tokens.fontSizeSmall};
  }

  summary:focus-visible {
    outline: ${tokens.focusRingWidth} solid ${tokens.colorFocus};
    outline-offset: 2px;
  }

  table {
    border-collapse: collapse;
    font-size: ${tokens.fontSizeSmall};
    font-variant-numeric: tabular-nums;
  }

  .table-toggle {
    overflow-x: auto;
  }

  th,
  td {
    padding: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    border-block-end: ${tokens.borderWidth} solid ${tokens.colorNeutralSubtle};
    text-align: end;
    vertical-align: top;
  }

  th[scope='row'],
  caption {
    text-align: start;
  }

  .interval {
    display: block;
    color: ${tokens.colorNeutral};
  }

  .holdout + .tiles {
    margin-block-start: ${tokens.spacingSmall};
  }

  .funnel-step {
    display: grid;
    grid-template-columns: 6rem 4rem 1fr;
    align-items: center;
    gap: 0 ${tokens.spacingSmall};
    padding-block: 2px;
    font-size: ${tokens.fontSizeSmall};
  }

  .funnel-value {
    text-align: end;
    font-weight: ${tokens.fontWeightSemibold};
    font-variant-numeric: tabular-nums;
  }

  .funnel-note {
    color: ${tokens.colorNeutral};
  }

  .funnel-bar {
    grid-column: 1 / -1;
    block-size: 0.5rem;
    border-radius: 2px;
    background-color: var(--gt-campaign-dashboard-tile-background, ${tokens.colorNeutralSubtle});
  }

  .funnel-bar span {
    display: block;
    block-size: 100%;
    border-radius: 2px;
    background-color: ${tokens.colorPrimary};
  }

  .run + .run {
    margin-block-start: ${tokens.spacingMedium};
  }

  .tiles {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
    gap: ${tokens.spacingSmall};
    margin: 0;
  }

  .tile {
    padding: ${tokens.spacingSmall};
    border-radius: ${tokens.radius};
    background-color: var(--gt-campaign-dashboard-tile-background, ${tokens.colorNeutralSubtle});
  }

  .tile dd {
    display: flex;
    flex-direction: column;
    margin: 0;
  }

  .tile-value {
    font-size: 1.25rem;
    font-weight: ${tokens.fontWeightSemibold};
    font-variant-numeric: tabular-nums;
  }

  .status {
    min-block-size: 1.5em;
  }
`;
