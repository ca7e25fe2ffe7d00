import { render } from 'preact';
import { CallWindow } from '@/components/call/CallWindow';
import '@/components/theme.css';
import './style.css';

render(<CallWindow />, document.getElementById('app')!);
