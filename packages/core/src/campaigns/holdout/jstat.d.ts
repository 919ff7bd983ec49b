/**
 * The part of `jstat` (which ships no types) the holdout comparison uses: quantiles of the
 * standard normal and Student's t distributions.
 */
declare module 'jstat' {
  interface JStat {
    normal: { inv(p: number, mean: number, sd: number): number };
    studentt: { inv(p: number, dof: number): number };
  }
  const jStat: JStat;
  // biome-ignore lint/style/noDefaultExport: a CommonJS module; ESM sees `module.exports` as the default
  export default jStat;
}
