// Every type that crosses the Tauri boundary, generated from core's types and the app's DTOs.
export * from './bindings'
