import { describeCompatInBrowser } from './compat-corpus-suite';

// Shard 1 of 3 of the corpus in the browser (test/browser/compat-corpus-suite.ts says why it is cut).
describeCompatInBrowser(0, 3);
