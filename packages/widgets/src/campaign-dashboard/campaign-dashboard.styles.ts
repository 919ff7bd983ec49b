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
