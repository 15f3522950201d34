// The Explore page and JSON API as an edge handler: the default simulated
// world is built once at module load (about two seconds), then every request
// is answered from memory, with no file-system access, Workers or FFI.
//
//   deno serve -A examples/edge.ts                 # http://localhost:8000/
//   deno serve -A --port 8080 examples/edge.ts
//   curl 'http://localhost:8000/api/recommend?user=u0001&k=5'

import { createHandler, createWorldApp } from "../src/handler.ts";

const handler = createHandler(createWorldApp());

export default {
  fetch(request: Request): Response | Promise<Response> {
    return handler(request);
  },
} satisfies Deno.ServeDefaultExport;
