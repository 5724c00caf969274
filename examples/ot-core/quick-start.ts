import {
  apply,
  insert,
  invert,
  mapPosition,
  replace,
  Text,
  transform,
  withDeletedText,
} from '@dist-space/ot-core';

// Alice and Bob edit the same document at once.
const base = 'Hello world';
const alice = [insert(5, ',')]; // "Hello, world"
// Bob records what his replace removes, so that it can be undone later without the document.
const bob = withDeletedText(base, [replace(6, 5, 'there')]); // "Hello there"

// The server sequenced Alice first: Bob's change is transformed against hers on the right side,
// and Alice transforms Bob's change against her own with the opposite side.
const bobAfterAlice = transform(bob, alice, 'right');
const aliceAfterBob = transform(alice, bob, 'left');
const atServer = apply(apply(base, alice), bobAfterAlice);
const atAlice = apply(apply(base, bob), aliceAfterBob);
console.log(atServer); // Hello, there
console.log(atServer === atAlice); // true

// Bob undoes his edit: the inverse of what the server applied, which carries its deleted text.
const undo = invert(bobAfterAlice);
console.log(apply(atServer, undo)); // Hello, world

// Alice's cursor after "Hello" moves with Bob's edit; it stays before text inserted at it.
console.log(mapPosition(5, bobAfterAlice, 'before')); // { pos: 5, deleted: false }

// The rope: edits cost O(log n) and old versions stay valid, sharing structure.
const v1 = Text.of(atServer);
const v2 = apply(v1, [insert(0, '> ')]);
console.log(v2.toString(), '|', v1.toString()); // > Hello, there | Hello, there
console.log(v2.positionToLineColumn(4)); // { line: 0, column: 4 }
