import '@ltilab/turtle/style/index.js';
