/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module turtle-extension
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { TURTLE_MIME_TYPE, TurtleView } from '@ltilab/turtle';

/**
 * The renderer for recorded turtle drawings, in notebooks, consoles and the
 * block editor's output alike.
 */
const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [TURTLE_MIME_TYPE],
  defaultRank: 50,
  createRenderer: options => new TurtleView({ translator: options.translator })
};

const extension: IRenderMime.IExtension = {
  id: '@ltilab/turtle-extension:renderer',
  description: 'Renders ltilab turtle drawings on an animated canvas.',
  rendererFactory,
  rank: 50,
  dataType: 'json'
};

export default extension;
