import { css } from 'lit';
import { tokens } from '../internal/greentrack-element.js';

// Public `--gt-customer-list-*` properties are only read here, with the global token as
// fallback (see greentrack-element.ts). Rows have one fixed height: the body renders only the
// rows in view and places them at `index × row height` (see internal/window.ts).
export const customerListStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    color: ${tokens.colorText};
    background-color: ${tokens.colorSurface};
    padding: var(--gt-customer-list-padding, ${tokens.spacingMedium});
    border-radius: ${tokens.radius};
  }

  .layout {
    display: grid;
    gap: ${tokens.spacingMedium};
  }

  @container (min-width: 48rem) {
    .layout[data-panel] {
      grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr);
    }
  }

  .main {
    min-inline-size: 0;
  }

  .search,
  .filters .field {
    display: flex;
    flex-direction: column;
    gap: ${tokens.spacingXSmall};
  }

  .search {
    margin-block-end: ${tokens.spacingSmall};
  }

  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: ${tokens.spacingSmall};
    margin: 0 0 ${tokens.spacingSmall};
    padding: 0;
    border: 0;
    font-size: ${tokens.fontSizeSmall};
  }

  .filters .field {
    flex: 1 1 7rem;
  }

  .filters input,
  .filters select {
    font-size: 1rem;
    min-inline-size: 0;
  }

  .header,
  .row {
    display: flex;
    align-items: center;
    gap: ${tokens.spacingSmall};
    padding-inline: ${tokens.spacingSmall};
  }

  .header {
    border-block-end: ${tokens.borderWidth} solid ${tokens.colorBorder};
    font-size: ${tokens.fontSizeSmall};
    font-weight: ${tokens.fontWeightSemibold};
    color: ${tokens.colorNeutral};
  }

  .header .cell {
    padding-block: ${tokens.spacingXSmall};
  }

  .sort {
    min-block-size: 1.75rem;
    padding-inline: ${tokens.spacingXSmall};
    border-color: transparent;
    background: none;
    color: inherit;
    font-size: inherit;
  }

  .cell {
    flex: 0 0 auto;
    min-inline-size: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }

  .name-cell,
  .header .name {
    flex: 1 1 0;
  }

  .name-cell {
    display: flex;
    flex-direction: column;
  }

  .type {
    inline-size: 5rem;
  }

  .country {
    inline-size: 4.5rem;
  }

  .tags {
    inline-size: 8rem;
  }

  .created {
    inline-size: 6.5rem;
  }

  .consent {
    inline-size: 10.75rem;
  }

  .row .consent {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 2px;
  }

  @container (max-width: 36rem) {
    .tags,
    .created,
    .type {
      display: none;
    }
  }

  @container (max-width: 26rem) {
    .country {
      display: none;
    }
  }

  .body {
    position: relative;
    max-block-size: var(--gt-customer-list-max-height, 24rem);
    overflow-y: auto;
    overscroll-behavior: contain;
  }

  .list {
    position: relative;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .item {
    position: absolute;
    inset-block-start: 0;
    inset-inline: 0;
  }

  .row {
    inline-size: 100%;
    block-size: var(--gt-customer-list-row-height, 3.5rem);
    border-radius: 0;
    border-width: 0 0 ${tokens.borderWidth};
    border-color: ${tokens.colorNeutralSubtle};
    text-align: start;
    font-weight: normal;
  }

  .row:hover {
    background-color: ${tokens.colorNeutralSubtle};
  }

  .row[aria-current='true'] {
    background-color: var(--gt-customer-list-selected-background, ${tokens.colorNeutralSubtle});
    box-shadow: inset 3px 0 0 ${tokens.colorPrimary};
  }

  .row:focus-visible {
    outline-offset: -2px;
  }

  .name {
    font-weight: ${tokens.fontWeightSemibold};
    overflow: hidden;
    text-overflow: ellipsis;
  }

  .meta {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
    overflow: hidden;
    text-overflow: ellipsis;
  }

  .status {
    min-block-size: 1.5em;
    margin-block-start: ${tokens.spacingXSmall};
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
  }

  .panel {
    min-inline-size: 0;
    padding: ${tokens.spacingSmall};
    border: ${tokens.borderWidth} solid ${tokens.colorBorder};
    border-radius: ${tokens.radius};
  }

  .panel-top {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: ${tokens.spacingSmall};
  }

  .panel h2 {
    margin: 0;
    font-size: 1rem;
  }

  .panel h2:focus-visible {
    outline: ${tokens.focusRingWidth} solid ${tokens.colorFocus};
    outline-offset: 2px;
  }

  .note {
    color: ${tokens.colorNeutral};
  }

  .timeline {
    margin: ${tokens.spacingSmall} 0 0;
    padding: 0;
    list-style: none;
  }

  .timeline li {
    display: flex;
    flex-direction: column;
    padding-block: ${tokens.spacingXSmall};
    border-block-end: ${tokens.borderWidth} solid ${tokens.colorNeutralSubtle};
  }

  .timeline time {
    color: ${tokens.colorNeutral};
    font-size: ${tokens.fontSizeSmall};
  }
`;
