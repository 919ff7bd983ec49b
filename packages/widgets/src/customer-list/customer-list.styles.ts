import { css } from 'lit';
import { tokens } from '../internal/greentrack-element.js';

// Public `--gt-customer-list-*` properties are only read here, with the global token as
// fallback (see greentrack-element.ts).
export const customerListStyles = css`
  :host {
    display: block;
    color: ${tokens.colorText};
    background-color: ${tokens.colorSurface};
    padding: var(--gt-customer-list-padding, ${tokens.spacingMedium});
    border-radius: ${tokens.radius};
  }

  .search {
    display: flex;
    flex-direction: column;
    gap: ${tokens.spacingXSmall};
    margin-block-end: ${tokens.spacingSmall};
  }

  .list {
    margin: 0;
    padding: 0;
    list-style: none;
    max-block-size: var(--gt-customer-list-max-height, none);
    overflow-y: auto;
  }

  .row {
    display: flex;
    inline-size: 100%;
    align-items: baseline;
    justify-content: space-between;
    gap: ${tokens.spacingSmall};
    margin-block-end: ${tokens.spacingXSmall};
    text-align: start;
    font-weight: normal;
  }

  .row:hover {
    background-color: ${tokens.colorNeutralSubtle};
  }

  .name {
    font-weight: ${tokens.fontWeightSemibold};
  }

  .meta {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
  }

  .status {
    min-block-size: 1.5em;
  }

  .problem {
    margin: 0;
    padding: ${tokens.spacingXSmall} ${tokens.spacingSmall};
    border-radius: ${tokens.radius};
    color: ${tokens.colorDanger};
    background-color: ${tokens.colorDangerSubtle};
  }
`;
