/**
 * `@greentrack/adapters/openai`: core's `Embedder` through the `openai` SDK (an optional
 * peer dependency: install `openai` yourself).
 * @packageDocumentation
 */
export { type OpenAIEmbedderOptions, openaiEmbedder } from './embedder.js';
export { OpenAIEmbedderErrorCode } from './error-codes.js';
