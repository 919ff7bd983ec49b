/** Provider interfaces and the built-in providers. */
export { DEFAULT_EMBEDDER_MAX_BATCH, type Embedder } from './embedder.js';
export {
  type HashingEmbedderOptions,
  hashingEmbedder,
} from './hashing-embedder.js';
