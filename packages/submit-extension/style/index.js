import '@ltilab/submit/style/index.js';
