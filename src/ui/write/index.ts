/** The write pages of a repository: the working copy, wiki, tickets, tags; and the fork banner. */
import { repoBanners, repoSections } from '../repo-sections.tsx';
import { EditPage } from './EditPage.tsx';
import { WritePage } from './WritePage.tsx';
import { WikiEdit } from './WikiEdit.tsx';
import { TicketEdit } from './TicketEdit.tsx';
import { TagPage } from './TagPage.tsx';
import { ForkBanner } from './ForkBanner.tsx';
import { gated } from './gate.tsx';
import './write.css';

repoSections.push(
  { id: 'edit', main: 70, nav: 'Edit files', component: gated(EditPage) },
  { id: 'write', nav: 'Write', component: gated(WritePage) },
  { id: 'wiki-edit', component: gated(WikiEdit) },
  { id: 'ticket-edit', component: gated(TicketEdit) },
  { id: 'tag-add', component: gated(TagPage) },
);
repoBanners.push(ForkBanner);
