import { css } from 'lit';

/**
 * `.visually-hidden`: read by screen readers, not shown (a filter group's legend, a sort
 * state). Its own module so that only the widgets that use it bundle it.
 */
export const visuallyHiddenStyles = css`
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
