/* global document, window */
import { wireCreateButtons } from './create-backup.js';
import { watchOperations } from './operations.js';

const message = document.getElementById('message');
wireCreateButtons(message);
watchOperations({ onFinished: () => window.setTimeout(() => window.location.reload(), 800) });
