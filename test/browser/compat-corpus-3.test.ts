import { describeCompatInBrowser } from './compat-corpus-suite';

// Shard 3 of 3 of the corpus in the browser (test/browser/compat-corpus-suite.ts says why it is cut).
describeCompatInBrowser(2, 3);
