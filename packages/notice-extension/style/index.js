import '@ltilab/notice/style/index.js';
