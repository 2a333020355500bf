// PLACEHOLDER: MLflow file-store reader, being written.
export {};
