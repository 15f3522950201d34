// deno-fmt-ignore-file
// The explore2vec WebAssembly kernel: pure functions over pointers into one
// imported linear memory, which the host (src/kernel/_kernel.ts) lays out.

export { dotRowsF32 } from "./dot_rows_f32";
export { normalizeRowsF32 } from "./normalize_rows_f32";
export { quantizeRowsI8 } from "./quantize_rows_i8";
export { scanScratchBytes } from "./scan_scratch_bytes";
export { logSigmoidF32, sigmoidF32 } from "./sigmoid_f32";
export { sgnsStepAdamF32 } from "./sgns_step_adam_f32";
export { sgnsStepF32 } from "./sgns_step_f32";
export { topKDotBatchF32 } from "./top_k_dot_batch_f32";
export { topKDotBatchI8 } from "./top_k_dot_batch_i8";
export { topKDotF32 } from "./top_k_dot_f32";
export { topKDotI8 } from "./top_k_dot_i8";
