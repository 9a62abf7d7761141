// The names that occur in the Coconut authors' released ProsQA test and validation files
// (facebookresearch/coconut @27273cb, data/prosqa_{test,valid}.json, MIT licence, © Meta Platforms, Inc. and
// affiliates). Each graph draws its names uniformly without replacement from these lists: across the 800
// released questions every concept word occurs 391–453 times and every name 99–142 times.

/** The 38 concept words of the released files, all ending in "-pus", alphabetical. */
export const RELEASED_CONCEPT_WORDS: readonly string[] = (
  'bompus boompus brimpus chorpus dumpus felpus fompus gerpus gorpus grimpus gwompus hilpus impus jelpus ' +
  'jompus kerpus lempus lorpus numpus quimpus rempus rompus rorpus scrompus shumpus sterpus storpus terpus ' +
  'timpus tumpus vumpus worpus wumpus yerpus yimpus yumpus zhorpus zumpus'
).split(' ');

/** The 17 person names of the released files, alphabetical. */
export const RELEASED_PERSON_NAMES: readonly string[] =
  'Alex Bob Carol Davis Eva Fae Gabriel Jack Max Oliver Polly Rex Sally Sam Stella Tom Wren'.split(' ');
