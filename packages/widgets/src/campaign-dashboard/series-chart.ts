/**
 * The daily chart, drawn with uPlot on a canvas. uPlot is imported when the first chart is
 * drawn, not with the element: it is twice the size of the rest of the dashboard, and a page
 * that never shows the chart (no campaign yet) never loads it. The canvas is decorative for
 * assistive technology: the component labels it with a summary and offers the same numbers
 * as a table.
 */
import type uPlot from 'uplot';

/** One line of the chart. */
export interface ChartLine {
  label: string;
  /** A CSS colour the canvas can use (computed, not a `var()`). */
  color: string;
  values: number[];
  /** Counts share the left axis; money (cents) has its own on the right. */
  scale: 'count' | 'money';
}

export interface ChartInput {
  /** One label per day, for the x axis. */
  days: string[];
  lines: ChartLine[];
  /** Colours of the axes' text and of the grid (computed). */
  text: string;
  grid: string;
  /** The font of the axes' values (computed `font`). */
  font: string;
  money: (cents: number) => string;
  width: number;
  height: number;
}

/** uPlot's own stylesheet, reduced to what a chart without legend or title needs. */
export const chartStyles = `
.uplot, .uplot * { box-sizing: border-box; }
.uplot { width: min-content; }
.u-wrap { position: relative; user-select: none; }
.u-over, .u-under { position: absolute; }
.u-under { overflow: hidden; }
.uplot canvas { display: block; position: relative; width: 100%; height: 100%; }
.u-axis { position: absolute; }
.u-select { background: rgba(0, 0, 0, 0.07); position: absolute; pointer-events: none; }
.u-cursor-x, .u-cursor-y { position: absolute; left: 0; top: 0; pointer-events: none; }
.u-hz .u-cursor-x { height: 100%; border-right: 1px dashed currentColor; }
.u-hz .u-cursor-y { width: 100%; border-bottom: 1px dashed currentColor; }
.u-cursor-pt { position: absolute; top: 0; left: 0; border-radius: 50%; border: 0 solid;
  pointer-events: none; background-clip: padding-box !important; }
.u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off, .u-cursor-y.u-off, .u-cursor-pt.u-off { display: none; }
`;

/** Draws the chart into `target` (emptied first) and returns it, for `setSize` and `destroy`. */
export async function drawChart(target: HTMLElement, input: ChartInput): Promise<uPlot> {
  const { default: UPlot } = await import('uplot');
  const axis = { stroke: input.text, font: input.font, grid: { stroke: input.grid, width: 1 } };
  // x is the day's index: the API's days are already local days, and an index keeps the
  // browser's time zone out of the axis.
  const x = input.days.map((_, i) => i);
  const options: uPlot.Options = {
    width: input.width,
    height: input.height,
    legend: { show: false },
    scales: {
      x: { time: false },
      count: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      // A refund can make a day's revenue negative.
      money: { range: (_u, min, max) => [Math.min(0, min), Math.max(100, max)] },
    },
    series: [
      {},
      ...input.lines.map((line) => ({
        label: line.label,
        stroke: line.color,
        width: 2,
        scale: line.scale,
        ...(line.scale === 'money' ? { dash: [6, 4] } : {}),
        points: { show: input.days.length <= 31 },
      })),
    ],
    axes: [
      {
        ...axis,
        values: (_u, splits) =>
          splits.map((i) => (Number.isInteger(i) ? (input.days[i] ?? '') : '')),
      },
      {
        ...axis,
        scale: 'count',
        values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
      },
      {
        ...axis,
        scale: 'money',
        side: 1,
        size: 72,
        grid: { show: false },
        values: (_u, splits) => splits.map((v) => input.money(v)),
      },
    ],
  };
  target.replaceChildren();
  return new UPlot(options, [x, ...input.lines.map((line) => line.values)], target);
}
