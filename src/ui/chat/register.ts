/** Puts the chat among the repository's pages (`#/repo/<name>/chat[/<thread>]`). */
import { repoSections } from '../repo-sections.tsx';
import { ChatPage } from './ChatPage.tsx';

if (!repoSections.some((s) => s.id === 'chat')) repoSections.push({ id: 'chat', nav: 'Chat', component: ChatPage });
