#!/usr/bin/env node
// Copies Blockly's media (the zoom and trashcan sprites, cursors, sounds) next
// to the built labextension, so the editor loads them from the Jupyter server
// rather than from static.blockly.com, Blockly's default: classrooms may be
// offline, and students' browsers should not call a third-party host.
// Run after the labextension build, which empties its output directory.
import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const blockly = path.dirname(
  createRequire(path.join(pkgDir, 'package.json')).resolve('blockly')
);
const target = path.resolve(
  pkgDir,
  pkg.jupyterlab.outputDir,
  'static',
  'blockly-media'
);
cpSync(path.join(blockly, 'media'), target, { recursive: true });
