import '@ltilab/broccoli/style/index.js';
import './base.css';
