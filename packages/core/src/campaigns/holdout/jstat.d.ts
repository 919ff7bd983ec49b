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
  export default jStat;
}
