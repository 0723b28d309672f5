// `JSONValue` is part of this module's API (tool arguments, schemas, `extraBody`), so users of
// ManifoldLLM get it without importing ManifoldJSON themselves.
@_exported import ManifoldJSON
