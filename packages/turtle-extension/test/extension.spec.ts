/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { TURTLE_MIME_TYPE, TurtleView } from '@ltilab/turtle';

import extension from '../src/mime';

describe('@ltilab/turtle-extension', () => {
  it('should render the turtle MIME type with a TurtleView', () => {
    const factory = extension.rendererFactory;
    expect(extension.id).toBe('@ltilab/turtle-extension:renderer');
    expect(factory.mimeTypes).toEqual([TURTLE_MIME_TYPE]);
    expect(factory.safe).toBe(true);
    const renderer = factory.createRenderer({
      mimeType: TURTLE_MIME_TYPE,
      sanitizer: { sanitize: (s: string) => s },
      resolver: null,
      linkHandler: null,
      latexTypesetter: null
    } as any);
    expect(renderer).toBeInstanceOf(TurtleView);
    renderer.dispose();
  });
});
