import '@ltilab/style/index.css';
import './base.css';
