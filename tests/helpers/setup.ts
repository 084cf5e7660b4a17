// Every Node test runs with the native platform services installed.
import { installNodePlatform } from '../../src/platform/node.ts';

installNodePlatform();
