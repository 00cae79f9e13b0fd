import '@ltilab/turtle/style/index.js';
import './base.css';
