// The content editor's git backend (decap-server's local git middleware) for `infopsoc edit`,
// listening on a Unix socket only: no TCP port that a web page could reach. The project's guard
// (editor_backend.py) is the only door to it. Usage: node decap_backend.js SOCKET (GIT_REPO_DIRECTORY set).
"use strict";
const path = require("path");
const fs = require("fs");
const modules = process.env.INFOPSOC_NODE_MODULES;
const express = require(path.join(modules, "express"));
const { registerLocalGit } = require(path.join(modules, "decap-server/dist/middlewares"));

const socket = process.argv[2];
(async () => {
  const app = express();
  await registerLocalGit(app, { logLevel: process.env.LOG_LEVEL || "warn" });
  const server = app.listen(socket, () => fs.chmodSync(socket, 0o600));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
})().catch((error) => {
  console.error(String(error && error.message || error));
  process.exit(1);
});
