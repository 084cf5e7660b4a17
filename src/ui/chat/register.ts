/** Puts the chat among the repository's pages (`#/repo/<name>/chat[/<thread>]`). */
import { repoSections } from '../repo-sections.tsx';
import { ChatPage } from './ChatPage.tsx';

if (!repoSections.some((s) => s.id === 'chat')) repoSections.push({ id: 'chat', main: 60, nav: 'Chat', component: ChatPage });
