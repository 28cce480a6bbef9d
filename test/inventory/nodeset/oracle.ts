// What ClusterShell 1.9.1 prints, recorded with `nodeset -e`, `nodeset -f` and `nodeset -c`
// (groups from a groups.d YAML file equal to ORACLE_GROUPS). Do not edit by hand: re-record.
// `expand` is the line `nodeset -e` prints; long ones keep only their count.

export interface Recorded {
  expr: string;
  expand?: string;
  count?: number;
  fold: string;
}

export const SYNTAX: Recorded[] = [
  {
    expr: 'cloud[1-7,10-21]',
    expand:
      'cloud1 cloud2 cloud3 cloud4 cloud5 cloud6 cloud7 cloud10 cloud11 cloud12 cloud13 cloud14 cloud15 cloud16 cloud17 cloud18 cloud19 cloud20 cloud21',
    fold: 'cloud[1-7,10-21]',
  },
  { expr: 'cloud[1-3,5]', expand: 'cloud1 cloud2 cloud3 cloud5', fold: 'cloud[1-3,5]' },
  { expr: 'cloud1', expand: 'cloud1', fold: 'cloud1' },
  { expr: 'storm-db[1-3]', expand: 'storm-db1 storm-db2 storm-db3', fold: 'storm-db[1-3]' },
  {
    expr: 'host.example[1-2].net',
    expand: 'host.example1.net host.example2.net',
    fold: 'host.example[1-2].net',
  },
  { expr: 'node[1-3]-ipmi', expand: 'node1-ipmi node2-ipmi node3-ipmi', fold: 'node[1-3]-ipmi' },
  {
    expr: 'node[01-10]',
    expand: 'node01 node02 node03 node04 node05 node06 node07 node08 node09 node10',
    fold: 'node[01-10]',
  },
  {
    expr: 'node[001-003,010]',
    expand: 'node001 node002 node003 node010',
    fold: 'node[001-003,010]',
  },
  { expr: 'node[1-10/3]', expand: 'node1 node4 node7 node10', fold: 'node[1,4,7,10]' },
  { expr: 'node[0-20/5]', expand: 'node0 node5 node10 node15 node20', fold: 'node[0,5,10,15,20]' },
  { expr: 'x[1-3/2,5]', expand: 'x1 x3 x5', fold: 'x[1,3,5]' },
  { expr: 'r[1-2]n[1-3]', expand: 'r1n1 r1n2 r1n3 r2n1 r2n2 r2n3', fold: 'r[1-2]n[1-3]' },
  { expr: 'rack[1-2]-node[01-03]-ib[0-1]', count: 12, fold: 'rack[1-2]-node[01-03]-ib[0-1]' },
  { expr: '[1-3]', expand: '1 2 3', fold: '[1-3]' },
  { expr: 'x[ 1 - 3 ]', expand: 'x1 x2 x3', fold: 'x[1-3]' },
  { expr: 'x[3,1,2,1]', expand: 'x1 x2 x3', fold: 'x[1-3]' },
  { expr: 'n10,n9,n100,n1', expand: 'n1 n9 n10 n100', fold: 'n[1,9-10,100]' },
  { expr: 'b1,a2,a10,a,b', expand: 'a a2 a10 b b1', fold: 'a,a[2,10],b,b1' },
  {
    expr: 'node-[1-3],node[1-3],node',
    expand: 'node node1 node2 node3 node-1 node-2 node-3',
    fold: 'node,node[1-3],node-[1-3]',
  },
  {
    expr: 'web1.dc[2-3].example.com',
    expand: 'web1.dc2.example.com web1.dc3.example.com',
    fold: 'web1.dc[2-3].example.com',
  },
  // Digits next to brackets join the range (node1[9-11] is a ClusterShell quirk, kept).
  { expr: 'node1[0-5]', expand: 'node10 node11 node12 node13 node14 node15', fold: 'node[10-15]' },
  { expr: 'node[1-2]0', expand: 'node10 node20', fold: 'node[10,20]' },
  {
    expr: 'node0[1-9]',
    expand: 'node01 node02 node03 node04 node05 node06 node07 node08 node09',
    fold: 'node[01-09]',
  },
  { expr: 'a1[2-3]4', expand: 'a124 a134', fold: 'a[124,134]' },
  { expr: 'a[1-2]b3[4-5]', expand: 'a1b34 a1b35 a2b34 a2b35', fold: 'a[1-2]b[34-35]' },
  { expr: 'node1[9-11]', count: 93, fold: 'node[19-111]' },
  // Padding: "1" and "01" are different names; a padded range only holds one width.
  { expr: 'x[9-11]', expand: 'x9 x10 x11', fold: 'x[9-11]' },
  { expr: 'x[00-03],x[0-3]', expand: 'x0 x1 x2 x3 x00 x01 x02 x03', fold: 'x[0-3,00-03]' },
  { expr: 'n[098-100],n099,n[1-3]', expand: 'n1 n2 n3 n098 n099 n100', fold: 'n[1-3,098-100]' },
  { expr: 'n08,n[10-100]', count: 92, fold: 'n[08,10-99,100]' },
];

export const OPERATORS: Recorded[] = [
  {
    expr: 'cloud[1-21]!cloud8',
    expand:
      'cloud1 cloud2 cloud3 cloud4 cloud5 cloud6 cloud7 cloud9 cloud10 cloud11 cloud12 cloud13 cloud14 cloud15 cloud16 cloud17 cloud18 cloud19 cloud20 cloud21',
    fold: 'cloud[1-7,9-21]',
  },
  {
    expr: 'cloud[1-10]&cloud[5-15]',
    expand: 'cloud5 cloud6 cloud7 cloud8 cloud9 cloud10',
    fold: 'cloud[5-10]',
  },
  {
    expr: 'cloud[1-5]^cloud[4-8]',
    expand: 'cloud1 cloud2 cloud3 cloud6 cloud7 cloud8',
    fold: 'cloud[1-3,6-8]',
  },
  { expr: ' cloud1 , cloud3 ! cloud1 ', expand: 'cloud3', fold: 'cloud3' },
  { expr: 'a[1-3],b[1-2],a2', expand: 'a1 a2 a3 b1 b2', fold: 'a[1-3],b[1-2]' },
  { expr: 'cloud[1-3]!cloud[2-3],cloud3', expand: 'cloud1 cloud3', fold: 'cloud[1,3]' },
  { expr: 'cloud[1-3],cloud[2-3]!cloud3', expand: 'cloud1 cloud2', fold: 'cloud[1-2]' },
  {
    expr: 'cloud[1-5]&cloud[2-9]^cloud[4-7]',
    expand: 'cloud2 cloud3 cloud6 cloud7',
    fold: 'cloud[2-3,6-7]',
  },
  { expr: 'x!x', expand: '', fold: '' },
  { expr: 'a & a', expand: 'a', fold: 'a' },
  {
    expr: 'r[1-3]n[1-3]!r2n2',
    expand: 'r1n1 r1n2 r1n3 r3n1 r3n2 r3n3 r2n1 r2n3',
    fold: 'r[1,3]n[1-3],r2n[1,3]',
  },
  {
    expr: 'r[1-3]n[1-3]!r2n2,x1y[1-5]z3,x2y[1-2]z[1-4]',
    expand:
      'r1n1 r1n2 r1n3 r3n1 r3n2 r3n3 r2n1 r2n3 x2y1z1 x2y1z2 x2y1z3 x2y1z4 x2y2z1 x2y2z2 x2y2z3 x2y2z4 x1y1z3 x1y2z3 x1y3z3 x1y4z3 x1y5z3',
    fold: 'r[1,3]n[1-3],r2n[1,3],x2y[1-2]z[1-4],x1y[1-5]z3',
  },
  {
    expr: 'r[1-4]n[1-4]&r[2-5]n[2-5]',
    expand: 'r2n2 r2n3 r2n4 r3n2 r3n3 r3n4 r4n2 r4n3 r4n4',
    fold: 'r[2-4]n[2-4]',
  },
  {
    expr: 'r[1-3]n[1-3]^r[2-4]n[2-4]',
    expand: 'r2n1 r2n4 r3n1 r3n4 r1n1 r1n2 r1n3 r4n2 r4n3 r4n4',
    fold: 'r[2-3]n[1,4],r1n[1-3],r4n[2-4]',
  },
];

export const ORACLE_GROUPS: Record<string, string[]> = {
  web: ['cloud[1-4]'],
  db: ['storm-cassandra[1-7]'],
  all: ['@web,@db'],
  odd: ['cloud[1-21/2]!cloud9'],
  rack1: ['r1n[1-4]'],
  rack2: ['r2n[1-4]'],
  empty: [],
};

export const GROUPS: Recorded[] = [
  { expr: '@web', expand: 'cloud1 cloud2 cloud3 cloud4', fold: 'cloud[1-4]' },
  { expr: '@web!cloud3', expand: 'cloud1 cloud2 cloud4', fold: 'cloud[1-2,4]' },
  {
    expr: '@web,@db',
    expand:
      'cloud1 cloud2 cloud3 cloud4 storm-cassandra1 storm-cassandra2 storm-cassandra3 storm-cassandra4 storm-cassandra5 storm-cassandra6 storm-cassandra7',
    fold: 'cloud[1-4],storm-cassandra[1-7]',
  },
  { expr: '@web&cloud[2-9]', expand: 'cloud2 cloud3 cloud4', fold: 'cloud[2-4]' },
  { expr: '@web^cloud[3-6]', expand: 'cloud1 cloud2 cloud5 cloud6', fold: 'cloud[1-2,5-6]' },
  {
    expr: '@all',
    expand:
      'cloud1 cloud2 cloud3 cloud4 storm-cassandra1 storm-cassandra2 storm-cassandra3 storm-cassandra4 storm-cassandra5 storm-cassandra6 storm-cassandra7',
    fold: 'cloud[1-4],storm-cassandra[1-7]',
  },
  {
    expr: '@all!storm-cassandra[2-6]',
    expand: 'cloud1 cloud2 cloud3 cloud4 storm-cassandra1 storm-cassandra7',
    fold: 'cloud[1-4],storm-cassandra[1,7]',
  },
  {
    expr: '@odd',
    expand: 'cloud1 cloud3 cloud5 cloud7 cloud11 cloud13 cloud15 cloud17 cloud19 cloud21',
    fold: 'cloud[1,3,5,7,11,13,15,17,19,21]',
  },
  { expr: '@rack[1-2]', expand: 'r1n1 r1n2 r1n3 r1n4 r2n1 r2n2 r2n3 r2n4', fold: 'r[1-2]n[1-4]' },
  { expr: '@rack[1-2]!r[1-2]n2', expand: 'r1n1 r1n3 r1n4 r2n1 r2n3 r2n4', fold: 'r[1-2]n[1,3-4]' },
  { expr: '@empty,cloud1', expand: 'cloud1', fold: 'cloud1' },
  { expr: 'cloud[1-6]!@web', expand: 'cloud5 cloud6', fold: 'cloud[5-6]' },
];

/** `nodeset -f` given these names as arguments. */
export const FOLDS: [string[], string][] = [
  [['cloud1', 'cloud2', 'cloud3', 'cloud5'], 'cloud[1-3,5]'],
  [['cloud3', 'cloud1', 'cloud2', 'cloud1'], 'cloud[1-3]'],
  [['web', 'db', 'cache', 'web'], 'cache,db,web'],
  [['n1', 'n01', 'n001', 'n2', 'n02', 'n3', 'n0', 'n00'], 'n[0-3,00-02,001]'],
  [
    ['host1.example.com', 'host2.example.com', 'host1.example.org', 'host3.example.com'],
    'host[1-3].example.com,host1.example.org',
  ],
  [['r1n1', 'r1n2', 'r2n1'], 'r1n[1-2],r2n1'],
  [['x1y2', 'x1y3', 'x2y2'], 'x1y[2-3],x2y2'],
  [
    ['storm-cassandra3', 'cloud12', 'cloud11', 'storm-cassandra4', 'cloud10', 'db'],
    'cloud[10-12],db,storm-cassandra[3-4]',
  ],
  [['node9', 'node10', 'node11', 'node010', 'node011'], 'node[9-11,010-011]'],
  [['a-1', 'a-2', 'a1', 'a2', 'a'], 'a,a[1-2],a-[1-2]'],
  [
    ['node1-eth0', 'node1-eth1', 'node2-eth0', 'node2-eth1', 'node3-eth0'],
    'node[1-2]-eth[0-1],node3-eth0',
  ],
  [['cloud08', 'cloud09', 'cloud10', 'cloud11', 'cloud7'], 'cloud[7,08-11]'],
  [['p%1', 'p%2', 'p1'], 'p%[1-2],p1'],
  [['1', '2', '3', '10'], '[1-3,10]'],
  [['Cloud1', 'cloud2', 'CLOUD3', '_x1', '~y'], 'CLOUD3,Cloud1,_x1,cloud2,~y'],
  [['n1', 'n3', 'n5', 'n6', 'n7', 'n9', 'n11'], 'n[1,3,5-7,9,11]'],
  [['n0', 'n00', 'n000', 'n1', 'n01', 'n10', 'n010', 'n0100'], 'n[0-1,00-01,10,000,010,0100]'],
  [['r1n1', 'r2n2', 'r3n3'], 'r1n1,r2n2,r3n3'],
  [['r1n1', 'r1n2', 'r2n1', 'r2n2', 'r3n1'], 'r[1-2]n[1-2],r3n1'],
  [['a1b1c1', 'a1b1c2', 'a1b2c1', 'a2b1c1', 'a2b2c2'], 'a1b1c[1-2],a1b2c1,a2b1c1,a2b2c2'],
];

/** `nodeset -f` of each list in samples.ts (passed as arguments, in that order). */
export const SAMPLE_FOLDS: Record<string, string> = {
  gaps200:
    'node[1-6,8-13,15-20,22-27,29-34,36-39,61-62,64-69,71-76,78-83,85-90,92-97,100-104,106-111,113-118,120-125,127-132,134-139,141-146,148-153,155-160,162-167,169-174,176-181,183-188,190-195,197-202,204-209,211-216,218-223,225-230,232-237,239-244,246-251,253-255]',
  paddedHoles:
    'cn[0001-0008,0010-0011,0013,0015,0018-0021,0023-0026,0028,0031-0036,0038,0040-0059,0061-0065,0067-0068,0070-0079,0081,0083-0093,0095-0097,0099-0104,0106,0108-0132,0134-0135,0138-0142,0144-0149,0151-0154,0156-0164,0166-0167,0169-0171,0173-0177,0179-0180,0182,0184-0186,0188-0190,0192,0194-0197,0199,0201,0203,0205-0207,0212,0214-0215,0217-0223,0225-0228,0230-0231,0234-0242,0244-0259,0261,0263,0265,0267-0268,0270,0272,0274-0283,0285-0286,0288,0291-0300]',
  mixedPatterns:
    'backup,cloud,cloud[1-7,9-21],db-[1-12].example.com,gateway-a,gateway-b,n[01-03,98-103],storm-cassandra[1-7],web',
  gridMinusDiagonal:
    'r1n[2-20],r10n[1-9,11-20],r2n[1,3-20],r3n[1-2,4-20],r4n[1-3,5-20],r5n[1-4,6-20],r6n[1-5,7-20],r7n[1-6,8-20],r8n[1-7,9-20],r9n[1-8,10-20]',
  sparse3d:
    'r4c[2,5]n[1-3,6],r3c3n[1-6],r1c2n[1-3,5-6],r3c2n[1-2,4-6],r1c1n[1,3-5],r1c3n[1,3,5-6],r1c4n[1-2,4,6],r1c5n[1,3-4,6],r2c1n[1-2,4,6],r2c2n[3-4,6],r2c3n[1,3,5],r2c4n[1,3,6],r2c5n[3,5-6],r3c1n[2-3,6],r3c4n[1,3,5],r3c5n[1,3-4],r4c1n[3-5],r4c3n[2-3,6],r4c4n[1,4]',
  addresses: '10.1.[1-30].1,10.2.[1-2,4-5,7-8,10-11,13-14,16-17,19-20,22-23,25-26,28-29].2',
  mixedPadding: 'x[0-9,00-12,007,099-100]',
  racks:
    'rack12-node[03-05,07-09,11-14,16-17,19-20,22,25],rack3-node[01-04,08,10-13,15,18-20,23,25],rack5-node[01,03-04,06-08,10-11,16-18,20,22-23,25],rack7-node[01-02,04-05,07-08,11-12,15,17-19,23-25],rack13-node[02-03,06,10-11,13-14,16-19,23-25],rack6-node[02-03,05,07-08,10,12-15,18,21,24-25],rack9-node[01,03,05-07,09,11,14,16,19,21-23,25],rack11-node[01-05,07,09,13,16-19,23],rack18-node[03-04,07-08,10-14,16-18,25],rack8-node[01-02,04,07,10-11,14-16,19-21,23],rack1-node[02,05,08,11-12,16-17,19-20,22-23,25],rack16-node[01,05-06,13,15-16,18-19,21-24],rack20-node[04-05,07,09,12,15,18,20-22,24-25],rack10-node[01-02,04,06-07,12-13,15,21,23,25],rack15-node[01,03,07,11,13,15-17,20,24-25],rack2-node[03,07-10,15,18-19,21,23-24],rack4-node[01,04-05,08-09,15,17-18,20,24-25],rack17-node[06,09-11,13,17,20,22,24-25],rack19-node[01,03,05-07,17-21],rack14-node[02,06,10,13,15-16,21,25]',
};
